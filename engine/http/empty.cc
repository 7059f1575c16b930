// Placeholder translation unit until the HTTP server lands; delete it then.
