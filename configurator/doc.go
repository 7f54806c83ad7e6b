// Package configurator compiles a catalog's products into a constraint
// model and offers interactive configuration sessions that are exact: a value
// offered can always be extended to a complete valid configuration, a value
// withheld cannot, and every conflict is explained.
package configurator
