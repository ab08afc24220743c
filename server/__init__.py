"""The HTTP API: storefront routes for customers, agent routes for people, a widget and a console."""
