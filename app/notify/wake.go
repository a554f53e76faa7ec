package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// waker tells workers that rows were written: in process through a
// channel, across instances through Redis pub/sub. It is a hint only —
// workers also poll — so a lost wake-up (Redis down) delays, never loses.
type waker struct {
	rdb     redis.UniversalClient
	channel string
	log     *slog.Logger

	mu   sync.Mutex
	subs []chan struct{}
}

func newWaker(rdb redis.UniversalClient, channel string, log *slog.Logger) *waker {
	return &waker{rdb: rdb, channel: channel, log: log}
}

// Notify wakes the local workers and publishes a wake-up to the others. It
// never blocks: the hook calls it inside the action's transaction.
func (w *waker) Notify() {
	w.local()
	if w.rdb == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := w.rdb.Publish(ctx, w.channel, "1").Err(); err != nil {
			w.log.Debug("notify wake-up not published", "err", err)
		}
	}()
}

func (w *waker) local() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.subs {
		select {
		case c <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// Subscribe returns a channel that receives wake-ups until ctx ends.
func (w *waker) Subscribe(ctx context.Context) <-chan struct{} {
	c := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs = append(w.subs, c)
	w.mu.Unlock()
	go func() {
		<-ctx.Done()
		w.mu.Lock()
		defer w.mu.Unlock()
		for i, x := range w.subs {
			if x == c {
				w.subs = append(w.subs[:i], w.subs[i+1:]...)
				break
			}
		}
	}()
	if w.rdb != nil {
		go w.listen(ctx, c)
	}
	return c
}

// listen forwards Redis wake-ups; go-redis reconnects the subscription by
// itself after a Redis restart.
func (w *waker) listen(ctx context.Context, c chan struct{}) {
	ps := w.rdb.Subscribe(ctx, w.channel)
	defer ps.Close()
	ch := ps.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
}
