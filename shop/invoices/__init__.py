"""Invoices (发票): what each seller of a paid order issued, and the requests derived from the orders."""
