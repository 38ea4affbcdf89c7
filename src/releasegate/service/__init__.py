"""The HTTP service and dashboard: `create_app(gate, rollout)`, thin over the library."""

from releasegate.service.app import create_app
from releasegate.service.auth import Access

__all__ = ["Access", "create_app"]
