package audit

import (
	"testing"
	"time"
)

func chain(n int) []Record {
	out := make([]Record, n)
	prev := ""
	for i := range out {
		r := Record{ID: int64(100 + i), Seq: int64(i + 1), At: time.Date(2026, 3, 2, 9, 0, i, 1234567, time.UTC),
			ActorID: 7, ActorRole: "clerk", Action: "case.read", ObjectID: "1", Result: OK, Detail: "a\nb"}
		r.PrevHash = prev
		r.Hash = ChainHash(prev, &r)
		prev = r.Hash
		out[i] = r
	}
	return out
}

func TestChainHash(t *testing.T) {
	r := chain(1)[0]
	if ChainHash("", &r) != r.Hash || len(r.Hash) != 64 {
		t.Fatal("not deterministic")
	}
	// Sub-microsecond time (dropped by the database) does not change it.
	r2 := r
	r2.At = r.At.Add(300 * time.Nanosecond) // still within the same microsecond
	if ChainHash("", &r2) != r.Hash {
		t.Error("hash depends on sub-microsecond time")
	}
	// A field boundary cannot be moved: "a","bc" ≠ "ab","c".
	x, y := r, r
	x.ActorRole, x.ActorName = "a", "bc"
	y.ActorRole, y.ActorName = "ab", "c"
	if ChainHash("", &x) == ChainHash("", &y) {
		t.Error("fields bleed into each other")
	}
	if ChainHash("p", &r) == r.Hash {
		t.Error("previous hash not covered")
	}
}

func TestVerifier(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(rs []Record) []Record
		head    func(rs []Record) Head
		wantSeq int64 // 0: intact
	}{
		{"intact", nil, nil, 0},
		{"edited", func(rs []Record) []Record { rs[2].Detail = "x"; return rs }, nil, 3},
		{"removed", func(rs []Record) []Record { return append(rs[:1], rs[2:]...) }, nil, 2},
		{"reordered", func(rs []Record) []Record { rs[1], rs[2] = rs[2], rs[1]; return rs }, nil, 2},
		{"tail cut", func(rs []Record) []Record { return rs[:3] }, nil, 4},
		{"head moved", nil, func(rs []Record) Head { return Head{Seq: 5, Hash: "f00"} }, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := chain(5)
			head := Head{Seq: rs[4].Seq, Hash: rs[4].Hash}
			if tc.head != nil {
				head = tc.head(rs)
			}
			if tc.edit != nil {
				rs = tc.edit(rs)
			}
			v := NewVerifier(Anchor{})
			for i := range rs {
				if !v.Add(&rs[i]) {
					break
				}
			}
			brk, _ := v.Finish(head)
			switch {
			case tc.wantSeq == 0 && brk != nil:
				t.Fatalf("intact chain broken: %v", brk)
			case tc.wantSeq != 0 && (brk == nil || brk.Seq != tc.wantSeq):
				t.Fatalf("break = %v, want seq %d", brk, tc.wantSeq)
			}
		})
	}
}
