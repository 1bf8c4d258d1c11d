"""One router per capability; each only translates HTTP to :class:`registry.service.Registry`."""
