package main

// Code generation: what `pulumi import --out`, `pulumi convert` and `pulumi package gen-sdk --language nodejs`
// ask the language host for. These follow Pulumi's own host (sdk/nodejs/cmd/pulumi-language-nodejs) and call the
// same generators, github.com/pulumi/pulumi/pkg/v3/codegen/nodejs, at the CLI's version. The schemas of the
// packages a program uses come from the engine, through the loader whose address each request carries.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	hclsyntax "github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The runtime the generators target: this host runs programs with Node.js only (never Bun).
const codegenRuntime = "nodejs"

// GenerateProgram turns a PCL program (e.g. what `pulumi import` generates for the resources it imported)
// into TypeScript.
func (h *host) GenerateProgram(_ context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()

	parser := hclsyntax.NewParser()
	for path, contents := range req.GetSource() {
		if err := parser.ParseFile(strings.NewReader(contents), path); err != nil {
			return nil, err
		}
		if parser.Diagnostics.HasErrors() {
			return nil, parser.Diagnostics
		}
	}

	// As Pulumi's host: for Node.js, prefer the output-versioned form of invokes.
	bindOptions := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !req.GetStrict() {
		bindOptions = append(bindOptions, pcl.NonStrictBindOptions()...)
	}
	program, diags, err := pcl.BindProgram(parser.Files, schema.NewCachedLoader(loader), bindOptions...)
	if err != nil {
		return nil, err
	}
	rpcDiagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: rpcDiagnostics}, nil
	}
	if program == nil {
		return nil, errors.New("internal error: the bound program is nil")
	}

	files, diags, err := codegen.GenerateProgramWithOptions(program, codegen.ProgramOptions{Runtime: codegenRuntime})
	if err != nil {
		return nil, err
	}
	rpcDiagnostics = append(rpcDiagnostics, plugin.HclDiagnosticsToRPCDiagnostics(diags)...)
	return &pulumirpc.GenerateProgramResponse{Source: files, Diagnostics: rpcDiagnostics}, nil
}

// GenerateProject writes a whole Node.js project (Pulumi.yaml, package.json, tsconfig.json, index.ts) for the
// PCL program in a directory, as `pulumi convert` asks.
func (h *host) GenerateProject(_ context.Context, req *pulumirpc.GenerateProjectRequest,
) (*pulumirpc.GenerateProjectResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()

	bindOptions := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !req.GetStrict() {
		bindOptions = append(bindOptions, pcl.NonStrictBindOptions()...)
	}
	program, diags, err := pcl.BindDirectory(req.GetSourceDirectory(), schema.NewCachedLoader(loader), bindOptions...)
	if err != nil {
		return nil, err
	}
	rpcDiagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GenerateProjectResponse{Diagnostics: rpcDiagnostics}, nil
	}

	var project workspace.Project
	if err := json.Unmarshal([]byte(req.GetProject()), &project); err != nil {
		return nil, err
	}
	// forceTsc is false, as in Pulumi's host unless it is started with -forceTsc.
	if err := codegen.GenerateProject(req.GetTargetDirectory(), project, program, req.GetLocalDependencies(),
		false, codegenRuntime); err != nil {
		return nil, err
	}
	return &pulumirpc.GenerateProjectResponse{Diagnostics: rpcDiagnostics}, nil
}

// GeneratePackage writes the Node.js SDK of a package's schema into req.Directory
// (`pulumi package gen-sdk --language nodejs`).
func (h *host) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{
		AllowDanglingReferences: true,
	})
	if err != nil {
		return nil, err
	}
	rpcDiagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics}, nil
	}

	files, err := codegen.GeneratePackage("pulumi-language-nodejs", pkg, req.GetExtraFiles(),
		req.GetLocalDependencies(), req.GetLocal(), schema.NewCachedLoader(loader))
	if err != nil {
		return nil, err
	}
	for filename, data := range files {
		outPath := filepath.Join(req.GetDirectory(), filename)
		if err := os.MkdirAll(filepath.Dir(outPath), 0o700); err != nil {
			return nil, fmt.Errorf("could not create output directory %s: %w", filepath.Dir(filename), err)
		}
		if err := os.WriteFile(outPath, data, 0o600); err != nil {
			return nil, fmt.Errorf("could not write output file %s: %w", filename, err)
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics}, nil
}

// Link adds locally generated SDKs to a program. `pulumi convert` calls it after GenerateProject for the SDKs it
// generated, which are only those of parameterized packages: for any other (the telephony package among them) it
// links nothing. Linking an SDK means installing it with the program's package manager, which this host does not
// do, so it refuses any package and answers a request with none (no import instructions to print).
func (h *host) Link(_ context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	if n := len(req.GetPackages()); n > 0 {
		return nil, status.Errorf(codes.Unimplemented,
			"this Node.js language host does not link SDKs into a program (%d package(s) asked for): "+
				"install the generated SDK with npm yourself", n)
	}
	return &pulumirpc.LinkResponse{}, nil
}
