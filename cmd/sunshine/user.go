package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/config"
)

func userCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: sunshine user add --username U --password P --role ROLE --name NAME [--department D] [--wecom-userid W]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var n accounts.NewStaff
	var role string
	fs.StringVar(&n.Username, "username", "", "login name")
	fs.StringVar(&n.Password, "password", "", "password (8–72 characters, letters and digits)")
	fs.StringVar(&role, "role", "", "clerk | specialist | head | liaison | supervisor | admin")
	fs.StringVar(&n.Name, "name", "", "full name")
	fs.StringVar(&n.Department, "department", "", "department (liaison)")
	fs.StringVar(&n.WecomUserID, "wecom-userid", "", "Work WeChat user id for push reminders")
	fs.StringVar(&n.Phone, "phone", "", "mobile number")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	n.Role = casework.Role(role)
	d, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	u, err := accounts.CreateStaff(ctx, d.db.Staff(), n, time.Now())
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			return fmt.Errorf("%s: %v", e.Message, e.Fields)
		}
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(u)
}
