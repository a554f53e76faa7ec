// Package site is the web foundation shared by the browser surfaces: the
// enterprise portal at / (portal/enterprise) and the staff workbench at
// /staff. It knows HTTP and HTML, not the workflow.
//
// A surface builds one Site with New and gets:
//
//   - Rendering: html/template pages in one layout (Chinese, responsive from a
//     360 px phone to a desktop, large-text safe). The layout and the error
//     page live here; a surface passes its own page templates (an fs.FS,
//     usually go:embed) where each page file defines "title" and "content"
//     (and any fragments an htmx request swaps in). Render draws a page,
//     RenderFragment one named template of a page without the layout.
//   - Static files: the site's own (site.css, site.js, the vendored htmx) and
//     the surface's, embedded, served under Options.StaticPrefix with a
//     content hash in the query ({{static "site.css"}} → /static/site.css?v=…),
//     cached for a year when the hash matches, gzip-compressed when accepted.
//   - Sessions: a cookie holding an opaque token of the shared Redis session
//     store (app/session) — `__Host-` prefixed, Secure, HttpOnly,
//     SameSite=Lax; with Options.Secure false (development over plain HTTP
//     only) the cookie drops both Secure and the prefix, which browsers would
//     refuse without Secure. The surface authenticates the token
//     (Options.Authenticate) so the session's idle and absolute timeouts are
//     the store's; Logout ends the session server-side.
//   - CSRF: a synchronizer token kept in the session (NewSessionData makes it
//     at login), sent as the hidden form field `_csrf` (the {{csrfField}}
//     template function) or by htmx as the X-CSRF-Token header (site.js
//     reads it from a meta tag); every state-changing request also has its
//     Origin (or Referer) checked. Failing either → the 403 page, nothing done.
//   - Security headers on every answer: a CSP without 'unsafe-inline'
//     (no inline script or style attribute may appear in a template),
//     frame-ancestors 'none', nosniff, Referrer-Policy, Permissions-Policy,
//     no-store for pages.
//   - Errors: the app/web error table decides the status; 401 redirects to
//     the login page with ?next= (a local path, checked by SafeNext); 403,
//     404 and 503 (+ Retry-After) are pages in the layout; a 422 keeps its
//     per-field messages (Fields) for the page to show next to each field.
//   - Routes: a surface lists its routes with their access rule in one table
//     (Route) and Mounts them; Routes returns the table for the test that
//     walks every route without credentials.
package site
