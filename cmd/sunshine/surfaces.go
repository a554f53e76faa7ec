package main

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"sunshine/app/system"
	"sunshine/app/wechat"
	mpapi "sunshine/miniprogram-api"
	"sunshine/portal/backoffice"
	"sunshine/portal/enterprise"
	"sunshine/portal/staffapi"
	"sunshine/portal/workbench"
)

// mountSurfaces mounts every HTTP surface on root, each at its prefix with
// the services of the composition root.
func mountSurfaces(root *fiber.App, sys *system.System) error {
	mp := mpapi.New(mpapi.DepsOf(sys))
	if sim := sys.WeChat.Simulator; sim != nil {
		// The simulator's signed pushes reach /wechat/push in process.
		sim.SetPushTarget(wechat.HandlerTarget(adaptor.FiberApp(mp)))
	}
	// Mounted first: the app mounted last at "/" handles Fiber's own errors
	// (unknown routes …) for every path, and the staff API's handler
	// answers them; the mini-program surface answers its own errors inside
	// its handlers, so it keeps its format either way.
	root.Mount("/", mp)
	wb, err := workbench.New(workbench.DepsOf(sys))
	if err != nil {
		return err
	}
	root.Mount("/", wb.App)
	bo, err := backoffice.New(backoffice.DepsOf(sys))
	if err != nil {
		return err
	}
	root.Mount("/", bo.App)
	root.Mount("/", staffapi.New(staffapi.DepsOf(sys)))
	// The enterprise portal's pages at "/", mounted last: its catch-all
	// answers a browser's unknown page with the 404 page, and its error
	// handler keeps the JSON errors of the API prefixes.
	portal, err := enterprise.New(enterprise.DepsOf(sys))
	if err != nil {
		return err
	}
	root.Mount("/", portal.App)
	return nil
}
