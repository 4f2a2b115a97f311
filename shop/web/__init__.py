"""Request plumbing: errors, security headers, templating, i18n, forms, pagination; the site-wide pages."""
