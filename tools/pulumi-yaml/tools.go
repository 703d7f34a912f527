//go:build tools

// Pins Pulumi YAML's language host (the `runtime: yaml` of Pulumi.yaml) so that `go mod tidy` keeps its
// whole dependency graph. Its own module, so that its version moves apart from the Pulumi CLI's.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
