package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/config"
)

const userUsage = "usage: sunshine user add --username U --role ROLE --name NAME [--department D] [--wecom-userid W] [--phone P]\n" +
	"  the password is read from standard input (first line) or from SUNSHINE_USER_PASSWORD"

func userCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New(userUsage)
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var n accounts.NewStaff
	var role string
	fs.StringVar(&n.Username, "username", "", "login name")
	fs.StringVar(&role, "role", "", "clerk | specialist | head | liaison | supervisor | admin | auditor")
	fs.StringVar(&n.Name, "name", "", "full name")
	fs.StringVar(&n.Department, "department", "", "department (liaison)")
	fs.StringVar(&n.WecomUserID, "wecom-userid", "", "Work WeChat user id for push reminders")
	fs.StringVar(&n.Phone, "phone", "", "mobile number")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (the password is not a flag: give it on standard input)\n%s", fs.Arg(0), userUsage)
	}
	n.Role = casework.Role(role)
	password, err := readPassword(cfg, stdin, stderr)
	if err != nil {
		return err
	}
	n.Password = password
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

// readPassword takes the new account's password from SUNSHINE_USER_PASSWORD
// or else from the first line of standard input (prompting when that is a
// terminal; the typed password is echoed, so type it where nobody watches,
// or pipe it from a password manager).
func readPassword(cfg *config.Config, stdin io.Reader, stderr io.Writer) (string, error) {
	if cfg.UserPassword != "" {
		return cfg.UserPassword, nil
	}
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(stderr, "password: ")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password: give it on standard input (first line) or in SUNSHINE_USER_PASSWORD")
	}
	return line, nil
}
