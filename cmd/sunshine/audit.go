package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/config"
)

const auditUsage = "usage: sunshine audit verify | sunshine audit purge --before DATE (YYYY-MM-DD, China time, at least 180 days ago)"

// errChainBroken makes `audit verify` exit non-zero.
var errChainBroken = errors.New("the audit chain is broken")

// auditCmd runs `audit verify` (walk the hash chain, name the first broken
// record) and `audit purge --before DATE` (remove records older than DATE,
// which must be at least 180 days ago; the purge is itself audited).
func auditCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(auditUsage)
	}
	d, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	svc := audit.NewService(d.db.Audit(), d.db.Audit(), nil, log)
	switch args[0] {
	case "verify":
		res, err := svc.Verify(ctx)
		if err != nil {
			return err
		}
		if res.Break != nil {
			fmt.Fprintf(stdout, "audit chain BROKEN at %s (%d records checked from anchor seq %d)\n",
				res.Break, res.Checked, res.Anchor.Seq)
			return errChainBroken
		}
		fmt.Fprintf(stdout, "audit chain intact: %d records, seq %d..%d\n", res.Checked, res.Anchor.Seq+1, res.Head.Seq)
		return nil
	case "purge":
		fs := flag.NewFlagSet("audit purge", flag.ContinueOnError)
		before := fs.String("before", "", "remove records older than this date (YYYY-MM-DD or RFC 3339)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		t, err := casework.ParseTime(*before)
		if err != nil || *before == "" {
			return errors.New(auditUsage)
		}
		n, anchor, err := svc.Purge(ctx, casework.Actor{Role: "operator", Name: "命令行 audit purge"}, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %d audit records older than %s; the chain now starts after seq %d\n",
			n, t.In(casework.ChinaTime).Format(time.RFC3339), anchor.Seq)
		return nil
	}
	return errors.New(auditUsage)
}
