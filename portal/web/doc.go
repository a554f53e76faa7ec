// Package web is the shared HTTP plumbing of the JSON surfaces (staff API,
// mini-program API): the error table and body, strict JSON decoding, the
// wire types shared by both.
//
// What differs between the surfaces stays with them: the headers an error
// answer carries, the HTML page for browsers, body size limits, cursors,
// and each audience's view of a case.
package web
