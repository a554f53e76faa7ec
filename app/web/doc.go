// Package web is the shared HTTP plumbing of the surfaces (staff API,
// mini-program API, the portal's pages): the error table and body, strict
// JSON decoding, the wire types shared by all of them. It lives below the
// surfaces, which never import each other; it sits under app/ because the
// top level of the repository is fixed, and it is the one package there
// that knows HTTP.
//
// What differs between the surfaces stays with them: the headers an error
// answer carries, the HTML page for browsers, body size limits, cursors,
// and each audience's view of a case.
package web
