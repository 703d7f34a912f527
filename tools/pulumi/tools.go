//go:build tools

// Pins the Pulumi CLI's main package so that `go mod tidy` keeps its whole dependency graph.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
