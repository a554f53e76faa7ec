package session

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The active sessions of a kind are counted with one sorted set per kind
// (member: the token hash, score: when the session ends if left idle):
// every write of a session refreshes its entry, logout and DeleteAll remove
// it, and Active drops the entries past their end before counting. Each
// command touches one key, so it runs on Redis Cluster as it is. The index
// is best effort: it feeds a metric, never an access decision.

func activeKey(k Kind) string { return "sess:active:" + string(k) }

func (s *Store) markActive(ctx context.Context, k Kind, hash string, ttl time.Duration) {
	s.rdb.ZAdd(ctx, activeKey(k), redis.Z{Score: float64(s.now().Add(ttl).UnixMilli()), Member: hash})
}

func (s *Store) markEnded(ctx context.Context, k Kind, hash string) {
	s.rdb.ZRem(ctx, activeKey(k), hash)
}

// Active returns how many sessions of kind k are live now, on every instance.
func (s *Store) Active(ctx context.Context, k Kind) (int64, error) {
	now := strconv.FormatInt(s.now().UnixMilli(), 10)
	if err := s.rdb.ZRemRangeByScore(ctx, activeKey(k), "-inf", "("+now).Err(); err != nil {
		return 0, err
	}
	return s.rdb.ZCard(ctx, activeKey(k)).Result()
}
