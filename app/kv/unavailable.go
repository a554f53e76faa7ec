package kv

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	"sunshine/app/errs"
)

// unavailableMessage is what a user reads while Redis does not answer.
const unavailableMessage = "服务暂时不可用，请稍后再试"

// IsUnavailable reports whether err means Redis did not answer (refused or
// broken connection, timeout, a pool that could not give a connection, a
// server loading, read-only or without a master during a failover) rather
// than a reply such as redis.Nil or a failed WATCH.
func IsUnavailable(err error) bool {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, redis.TxFailedErr) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, redis.ErrClosed) || errors.Is(err, redis.ErrPoolTimeout) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var rerr redis.Error
	if errors.As(err, &rerr) {
		for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN"} {
			if strings.HasPrefix(rerr.Error(), p) {
				return true
			}
		}
	}
	return false
}

// unavailableHook is the one place where a Redis that does not answer
// becomes errs.Unavailable (503 with Retry-After on every surface): every
// command and pipeline of the client passes through it. The cause stays
// wrapped, so errors.Is still sees it.
type unavailableHook struct{}

func wrapUnavailable(err error) error {
	if IsUnavailable(err) && !errors.As(err, new(*errs.Error)) {
		return errs.Wrap(errs.Unavailable, unavailableMessage, err)
	}
	return err
}

func (unavailableHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		return c, wrapUnavailable(err)
	}
}

func (unavailableHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if w := wrapUnavailable(err); w != err {
			cmd.SetErr(w)
			return w
		}
		return err
	}
}

func (unavailableHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if w := wrapUnavailable(cmd.Err()); w != cmd.Err() {
				cmd.SetErr(w)
			}
		}
		return wrapUnavailable(err)
	}
}
