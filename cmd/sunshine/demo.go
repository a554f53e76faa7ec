package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"sunshine/config"
)

func demo(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	return errors.New("demo: not yet available")
}
