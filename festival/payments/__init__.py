"""Payments: Stripe Checkout and refunds (gateway), and verified Stripe webhooks."""
