"""The customer area: accounts, my orders, the order page and the signed status page."""
