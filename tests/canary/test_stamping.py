

def test_a_touch_never_stores_an_e_mail_address_as_thread_id() -> None:
    import pytest as _pytest

    from releasegate.canary.stamping import record_touch as _record
    from releasegate.errors import InputError as _InputError

    class Nowhere:
        def record_touch(self, **_kwargs: object) -> None:
            raise AssertionError("nothing may be stored")

    with _pytest.raises(_InputError, match="e-mail address"):
        _record("bob@example.com", "g", ("candidate", "v2"), "sent", store=Nowhere())
