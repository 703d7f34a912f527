# Runs one Pulumi Python program for pulumi-language-python (main.go, which passes this file to the
# interpreter with `-c`): it configures pulumi.runtime from the arguments and environment the language
# host gives it, then runs the program's __main__ inside the stack resource.
#
# Exit codes: 0 done; 32 an error was already shown to the user (through the engine's log, once); any
# other code is reported by the host as a failed program.
import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

SHOWN_TO_USER = 32

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print(
        f"The Pulumi SDK is not installed for {sys.executable}: install the program's requirements "
        "(pip install -r requirements.txt) into the virtualenv named by Pulumi.yaml's runtime options.",
        file=sys.stderr,
    )
    sys.exit(1)


def user_traceback(program: str) -> str:
    """The current exception's traceback from the program's first frame on (this script and runpy cut off)."""
    main = os.path.join(program, "__main__.py") if os.path.isdir(program) else program
    frames = traceback.extract_tb(sys.exc_info()[2])
    for i, frame in enumerate(frames):
        if os.path.abspath(frame.filename) == main:
            return traceback.format_exc(limit=-(len(frames) - i))
    return traceback.format_exc()


def main() -> int:
    ap = argparse.ArgumentParser(prog="pulumi-language-python exec")
    for name in ("monitor", "engine", "project", "stack", "organization", "root_directory", "pwd", "tracing"):
        ap.add_argument("--" + name)
    ap.add_argument("--parallel", type=int)
    ap.add_argument("--dry_run", action="store_true")
    ap.add_argument("program")
    ap.add_argument("args", nargs="*")
    args = ap.parse_args()

    # PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS, as the host set them.
    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    settings = pulumi.runtime.Settings(
        monitor=args.monitor,
        engine=args.engine,
        project=args.project,
        stack=args.stack,
        parallel=args.parallel,
        dry_run=args.dry_run,
        organization=args.organization,
        root_directory=args.root_directory,
    )
    pulumi.runtime.configure(settings)

    program = os.path.abspath(args.program)
    sys.argv = [program] + args.args
    if args.pwd:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    executor = None
    if args.parallel is not None:
        executor = ThreadPoolExecutor(max_workers=max(args.parallel, 1) * 4)
        loop.set_default_executor(executor)
    # A failed deployment leaves futures nobody awaits; asyncio would log each one as if it were a bug.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    code = 1
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
        code = 0
    except pulumi.RunError as e:
        pulumi.log.error(str(e))
    except Exception:  # noqa: BLE001 -- every failure of the program is reported, with its own traceback
        pulumi.log.error("Program failed with an unhandled exception:\n" + user_traceback(program))
        code = SHOWN_TO_USER
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return code


sys.exit(main())
