// Command sunshine runs the 阳光代办 platform: `serve` (the default) starts
// the HTTP service, `migrate` brings the schema up to date, `user add`
// creates a staff account and `demo` loads a realistic demo data set.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"sunshine/config"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs a command with the process's standard input.
func run(args []string, stdout, stderr io.Writer) int { return runWith(args, os.Stdin, stdout, stderr) }

// runWith runs a command; stdin is where `user add` reads the password.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := config.Load(nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "user":
		err = userCmd(ctx, cfg, log, args, stdin, stdout, stderr)
	case "audit":
		err = auditCmd(ctx, cfg, log, args, stdout)
	case "demo":
		err = demo(ctx, cfg, log, stdout)
	case "backup":
		err = backupCmd(ctx, cfg, log, args, stdout)
	case "restore":
		err = restoreCmd(ctx, cfg, log, args, stdout)
	case "rotate-attachment-key":
		err = rotateKeyCmd(ctx, cfg, log, args, stdout)
	case "sweep-materials":
		err = sweepCmd(ctx, cfg, log, stdout)
	case "healthcheck":
		err = healthcheck(cfg)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	return 0
}

const usage = `usage: sunshine [command]

commands:
  serve      start the HTTP service (default)
  migrate    apply database migrations and seed the holiday calendar
  user add   --username U --role ROLE --name NAME [--department D] [--wecom-userid W] [--phone P]
             the password is read from standard input (first line), or from SUNSHINE_USER_PASSWORD
             ROLE: clerk | specialist | head | liaison | supervisor | admin | auditor
  audit verify               walk the audit hash chain; exit 1 naming the first broken record
  audit purge --before DATE  remove audit records older than DATE (at least 180 days ago)
  demo       load a realistic demo data set and print the demo logins
  backup DIR   write a consistent snapshot (database, encrypted materials, manifest) into an empty DIR
  restore DIR  load a backup into an empty database and object store
  rotate-attachment-key [--limit N]
               re-encrypt the materials under SUNSHINE_ATTACHMENT_KEY (reads SUNSHINE_ATTACHMENT_KEY_PREVIOUS); resumable
  sweep-materials  settle pending objects older than a day and remove replaced ones (also runs hourly in serve)
  healthcheck  exit 0 when the local service answers /healthz (for containers)

configuration: SUNSHINE_* environment variables (see docs/configuration.md)
`
