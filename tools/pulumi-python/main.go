// Command pulumi-language-python is the Python language host that the Pulumi CLI starts to run a
// `runtime: python` program.
//
// Pulumi's own host lives in its own module (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3),
// which the Go module proxy reachable from these machines does not serve at any version, and the script it
// runs the program with is not in the `pulumi` wheel. This host implements the part of the LanguageRuntime
// service that `pulumi up`, `preview`, `refresh` and `destroy` use: Run starts the project's Python (its
// `virtualenv` option's, else python3 on PATH) on exec.py, which configures pulumi.runtime and runs the
// program inside the stack resource. Every other method answers Unimplemented, which the CLI handles as an
// older host would. It does not create virtualenvs or install requirements: the project's must exist.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

//go:embed exec.py
var execScript string

// exec.py exits with this code after it has already shown the user an actionable error (through the engine).
const exitAfterReportedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
}

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flag.Parse()

	h := &host{engineAddress: flag.Arg(0), tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: could not start the RPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: RPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages and GetRequiredPlugins report none: the projects this host runs name their provider
// plugins in Pulumi.yaml (`plugins: providers:`), and Pulumi's own host would find them in installed
// packages' pulumi-plugin.json.
func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, errors.New("RunRequest carries no ProgramInfo; this host needs Pulumi CLI 3.100 or later")
	}
	python, env, err := interpreter(info)
	if err != nil {
		return nil, err
	}

	args := []string{"-c", execScript}
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", h.engineAddress)
	flagIfSet("project", req.GetProject())
	flagIfSet("stack", req.GetStack())
	flagIfSet("organization", req.GetOrganization())
	flagIfSet("root_directory", info.GetRootDirectory())
	flagIfSet("pwd", req.GetPwd())
	flagIfSet("tracing", h.tracing)
	flagIfSet("parallel", strconv.Itoa(int(req.GetParallel())))
	if req.GetDryRun() {
		args = append(args, "--dry_run")
	}
	program := info.GetProgramDirectory()
	if entry := info.GetEntryPoint(); entry != "" && entry != "." {
		program = filepath.Join(program, entry)
	}
	// "--" so that neither the program nor its arguments are read as the script's own flags.
	args = append(args, "--", program)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env = append(env,
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		// The program's prints reach the engine as they happen, not when the process exits.
		"PYTHONUNBUFFERED=1",
	)

	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	// A cancelled run gets an interrupt first, as from a terminal, so that the program can finish cleanly.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterReportedError {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("problem executing program (could not run %s): %v", python, err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// interpreter is the Python that runs the program, and the environment to run it with: the `virtualenv`
// runtime option's (relative to the project's root directory), activated; else python3 on PATH.
func interpreter(info *pulumirpc.ProgramInfo) (string, []string, error) {
	options := info.GetOptions().AsMap()
	venv, _ := options["virtualenv"].(string)
	if _, given := options["virtualenv"]; given && venv == "" {
		return "", nil, errors.New("the runtime option 'virtualenv' must be a non-empty string (a directory)")
	}
	if venv == "" {
		for _, name := range []string{"python3", "python"} {
			if path, err := exec.LookPath(name); err == nil {
				return path, os.Environ(), nil
			}
		}
		return "", nil, errors.New("neither python3 nor python is on PATH: install Python 3, or name a virtualenv " +
			"in Pulumi.yaml (runtime: {name: python, options: {virtualenv: venv}})")
	}
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(info.GetRootDirectory(), venv)
	}
	bin := filepath.Join(venv, "bin")
	python := filepath.Join(bin, "python")
	if _, err := os.Stat(python); err != nil {
		return "", nil, fmt.Errorf("the virtualenv %s has no bin/python (%v): create it with `python3 -m venv %s` "+
			"and install the program's requirements into it", venv, err, venv)
	}
	// As `source bin/activate` would: the venv's bin first on PATH, VIRTUAL_ENV set, PYTHONHOME unset.
	env := []string{"VIRTUAL_ENV=" + venv}
	path := bin
	for _, kv := range os.Environ() {
		key, value, _ := strings.Cut(kv, "=")
		switch key {
		case "PATH":
			path = bin + string(os.PathListSeparator) + value
		case "VIRTUAL_ENV", "PYTHONHOME":
		default:
			env = append(env, kv)
		}
	}
	return python, append(env, "PATH="+path), nil
}
