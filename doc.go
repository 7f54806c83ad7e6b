// Package cpq is a thin facade that wires the catalog, configurator, pricing,
// quote, approval, render and crm packages for hosts that want one entry point.
package cpq
