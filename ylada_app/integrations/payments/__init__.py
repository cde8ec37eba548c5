"""Payment gateways behind one small interface (see base.py); Stripe is the first one."""
