// Package catalogs ships the example catalogs: injection-moulded parts
// priced by cost build-up, an industrial server configurator, and a SaaS
// subscription. They are embedded so that programs can load them without
// files on disk.
package catalogs

import "embed"

// FS holds the example catalog files.
//
//go:embed *.yaml
var FS embed.FS

// Files names the example catalogs in FS.
var Files = []string{"injection-moulding.yaml", "server.yaml", "saas.yaml"}
