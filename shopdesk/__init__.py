"""ShopDesk: the application around the support graph (settings, shop profiles, runtime, CLI)."""
