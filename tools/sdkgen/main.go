// Command sdkgen writes the Node.js, Python and Go SDKs of a Pulumi package schema with Pulumi's own code
// generators, the ones `pulumi package gen-sdk` reaches through each language host's GeneratePackage:
//
//	sdkgen -schema plugin/schema.json -out sdk
//
// writes sdk/nodejs, sdk/python and sdk/go (each replaced whole; dependencies a user installed there, such as
// node_modules/, bin/ and __pycache__/, are kept). It binds the schema the way the language hosts do and generates
// as `pulumi package add` does, the way of an SDK taken straight from its source folder:
//   - the package "supports pack": the SDKs carry the schema's version (package.json, setup.py, _utilities.py,
//     and each pulumi-plugin.json), so the engine loads the plugin of that version, and the Go SDK gets a go.mod one
//     level above its import base path (the Go package's own SdkVersion stays empty: the generator sets it only
//     when the schema's language.go has respectSchemaVersion);
//   - the Node.js SDK is "local": package.json's main is bin/index.js and its postinstall compiles the TypeScript,
//     so a `file:` dependency on the folder works without a build step.
//
// Then it requires, in the Go SDK's go.mod, the github.com/pulumi/pulumi/sdk/v3 this program was built with, and
// runs `go mod tidy` there (go.sum; the Go module proxy or the module cache).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"golang.org/x/mod/modfile"
)

// The name each generated file's header gives as its author.
const tool = "telephony-config sdkgen (npm run sdk)"

const pulumiSDK = "github.com/pulumi/pulumi/sdk/v3"

func main() {
	schemaPath := flag.String("schema", "plugin/schema.json", "the Pulumi package schema (JSON)")
	out := flag.String("out", "sdk", "the folder that gets nodejs/, python/ and go/")
	tidy := flag.Bool("tidy", true, "run `go mod tidy` in the Go SDK (writes its go.sum)")
	flag.Parse()
	if err := run(*schemaPath, *out, *tidy); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string, tidy bool) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	// What the CLI hands a language host: the package bound, marked as `package add` marks it, and marshalled again.
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, err := bind(spec)
	if err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg.SupportPack = true
	marshalled, err := pkg.MarshalJSON()
	if err != nil {
		return err
	}

	generators := []struct {
		language string
		generate func(*schema.Package) (map[string][]byte, error)
	}{
		{"nodejs", func(p *schema.Package) (map[string][]byte, error) {
			return nodejsgen.GeneratePackage(tool, p, nil, nil, true /* local */, noLoader{})
		}},
		{"python", func(p *schema.Package) (map[string][]byte, error) {
			return pythongen.GeneratePackage(tool, p, nil, noLoader{})
		}},
		{"go", func(p *schema.Package) (map[string][]byte, error) {
			withoutBrokenConfigDefaults(p)
			return gogen.GeneratePackage(tool, p, nil)
		}},
	}
	for _, g := range generators {
		// Each language host binds the package anew: the generators write their own language's options into it.
		var spec schema.PackageSpec
		if err := json.Unmarshal(marshalled, &spec); err != nil {
			return err
		}
		pkg, err := bind(spec)
		if err != nil {
			return err
		}
		files, err := g.generate(pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", g.language, err)
		}
		dir := filepath.Join(out, g.language)
		if g.language == "go" {
			if files["go.mod"], err = requirePulumiSDK(files["go.mod"]); err != nil {
				return err
			}
		}
		if err := replaceFiles(dir, files); err != nil {
			return err
		}
		if g.language == "go" && tidy {
			cmd := exec.Command("go", "mod", "tidy")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
			// Its "go: downloading" lines are noise on success, and all there is to read on failure.
			if output, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("go mod tidy in %s: %w\n%s", dir, err, output)
			}
		}
		fmt.Fprintf(os.Stderr, "sdkgen: wrote %s (%d files)\n", dir, len(files))
	}
	return nil
}

// withoutBrokenConfigDefaults works around a bug of Pulumi's Go generator (v3.260.0, genConfig): the getter of a
// config variable that is neither a string, a boolean nor a number returns a string, but its environment default
// is assigned as the variable's own type (`value = d.(pulumi.StringArray)`), which does not compile. Such a getter
// goes without its environment default: it returns the config value (JSON text) alone. The Provider resource's
// inputs keep theirs (internal.ParseEnvStringArray), and so do the other languages.
func withoutBrokenConfigDefaults(pkg *schema.Package) {
	for _, v := range pkg.Config {
		switch codegen.UnwrapType(v.Type) {
		case schema.StringType, schema.BoolType, schema.IntType, schema.NumberType:
		default:
			v.DefaultValue = nil
		}
	}
}

func bind(spec schema.PackageSpec) (*schema.Package, error) {
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return pkg, nil
}

// requirePulumiSDK makes the generated go.mod require the Pulumi Go SDK at the version this program was built with
// (the generator writes a fixed, older one).
func requirePulumiSDK(gomod []byte) ([]byte, error) {
	if gomod == nil {
		return nil, errors.New("the Go generator wrote no go.mod")
	}
	version := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == pulumiSDK {
				version = dep.Version
			}
		}
	}
	if version == "" {
		return nil, fmt.Errorf("cannot tell which %s this program was built with", pulumiSDK)
	}
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, err
	}
	if err := f.AddRequire(pulumiSDK, version); err != nil {
		return nil, err
	}
	return f.Format()
}

// Kept when a language's folder is replaced: what installing or using the SDK in place leaves there.
var kept = map[string]bool{"node_modules": true, "bin": true, "__pycache__": true}

// replaceFiles makes dir hold exactly files (besides the kept folders).
func replaceFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var stale []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if kept[d.Name()] && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			stale = append(stale, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, path := range stale {
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	removeEmptyDirs(dir)

	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// removeEmptyDirs removes the folders under dir that hold nothing (deepest first); dir itself stays.
func removeEmptyDirs(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || path == dir {
			return nil
		}
		if kept[d.Name()] {
			return filepath.SkipDir
		}
		dirs = append(dirs, path)
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // fails, as meant, on a folder that is not empty
	}
}

// noLoader answers every request for another package with an error: the schema is generated alone, and refers to
// no other Pulumi package (the generators ask a loader only for the packages a schema depends on).
type noLoader struct{}

func (noLoader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, refused(name)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, refused(d.Name)
}

func (noLoader) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, refused(name)
}

func (noLoader) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, refused(d.Name)
}

func refused(name string) error {
	return fmt.Errorf("the schema refers to the Pulumi package %q: sdkgen generates a package alone, and loads no other", name)
}
