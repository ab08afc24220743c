"""One router per resource: the storefront's conversations and the agents' desk."""
