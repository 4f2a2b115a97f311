"""Request plumbing: errors, security headers, templating, i18n, forms, downloads, pagination; the site-wide pages."""
