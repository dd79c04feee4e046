"""Ticket sales: ticket types, orders, signed ticket tokens, QR codes and printable tickets."""
