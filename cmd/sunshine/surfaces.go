package main

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"sunshine/app/system"
	"sunshine/app/wechat"
	mpapi "sunshine/miniprogram-api"
	"sunshine/portal/staffapi"
	"sunshine/portal/workbench"
)

// mountSurfaces mounts every HTTP surface on root, each at its prefix with
// the services of the composition root.
func mountSurfaces(root *fiber.App, sys *system.System) {
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
	if wb, err := workbench.New(workbench.DepsOf(sys)); err == nil {
		root.Mount("/", wb.App)
	} else {
		sys.Log.Error("workbench pages not mounted", "err", err)
	}
	root.Mount("/", staffapi.New(staffapi.DepsOf(sys)))
}
