package main

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// mountSurfaces mounts the HTTP surfaces (portal, staff API, hotline,
// mini-program API) and starts their background workers on root.
func mountSurfaces(ctx context.Context, root *fiber.App, d *deps) error {
	_ = ctx
	_ = root
	_ = d
	return nil
}
