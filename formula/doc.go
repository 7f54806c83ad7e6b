// Package formula is the one expression language of cpqkit. Every rule in a
// catalog (constraints, prices, costs, approvals) is a formula, compiled once
// at load time with decimal arithmetic and evaluated many times.
package formula
