// Package cpqhttp serves cpqkit over HTTP: a JSON API with problem+json
// errors and an embedded reference web user interface.
package cpqhttp
