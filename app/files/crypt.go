package files

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"io"
)

// The format of a stored file: a header (magic, random base nonce) and
// AES-256-GCM chunks of chunkSize plaintext bytes. Each chunk's nonce is the
// base nonce XOR its index, and its additional data binds the header, the
// stored name, the index and whether it is the last chunk; the last chunk is
// always shorter than chunkSize (possibly empty). So a chunk cannot be
// altered, reordered, dropped, moved to another file or cut off without the
// read failing.
const (
	magic     = "SSF1"
	nonceSize = 12
	chunkSize = 64 << 10
	tagSize   = 16
)

// ErrCorrupt is returned when a stored file fails authentication.
var ErrCorrupt = errors.New("files: stored file failed authentication")

// ParseKey turns the configured key into 32 bytes: 64 hex characters are
// the key itself; anything else is hashed with SHA-256.
func ParseKey(s string) [32]byte {
	var k [32]byte
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			copy(k[:], b)
			return k
		}
	}
	return sha256.Sum256([]byte(s))
}

func newAEAD(key [32]byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func chunkNonce(base []byte, i uint64) []byte {
	n := make([]byte, nonceSize)
	copy(n, base)
	var ctr [8]byte
	binary.BigEndian.PutUint64(ctr[:], i)
	for j := 0; j < 8; j++ {
		n[nonceSize-8+j] ^= ctr[j]
	}
	return n
}

func chunkAAD(header []byte, name string, i uint64, last bool) []byte {
	aad := make([]byte, 0, len(header)+len(name)+9)
	aad = append(aad, header...)
	aad = append(aad, name...)
	aad = binary.BigEndian.AppendUint64(aad, i)
	if last {
		return append(aad, 1)
	}
	return append(aad, 0)
}

// sealStream reads r to its end and writes it, encrypted for the stored
// name, to w, one chunk at a time: at most one chunk is held in memory.
func sealStream(w io.Writer, aead cipher.AEAD, name string, r io.Reader) error {
	header := make([]byte, len(magic)+nonceSize)
	copy(header, magic)
	if _, err := rand.Read(header[len(magic):]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	base := header[len(magic):]
	plain := make([]byte, chunkSize)
	buf := make([]byte, 0, chunkSize+tagSize)
	for i := uint64(0); ; i++ {
		n, err := io.ReadFull(r, plain)
		switch {
		case err == nil, errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		default:
			return err
		}
		// A full chunk is the last one only when nothing follows; the
		// format needs the last chunk short, so a full one is followed by
		// an empty last chunk.
		last := n < chunkSize
		buf = aead.Seal(buf[:0], chunkNonce(base, i), plain[:n], chunkAAD(header, name, i, last))
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// sealedSize is the size of the stored file of a plaintext of n bytes.
func sealedSize(n int64) int64 {
	return int64(len(magic)+nonceSize) + n + (n/chunkSize+1)*tagSize
}

// opener decrypts a stored file chunk by chunk and, at the end, checks the
// SHA-256 of the plaintext against the recorded one.
type opener struct {
	src    io.ReadCloser
	aead   cipher.AEAD
	others []cipher.AEAD // tried on the first chunk when aead fails (key rotation)
	keyIdx int           // which key opened the file: 0 = aead, i = others[i-1]
	header []byte
	name   string
	want   []byte
	sum    hash.Hash
	i      uint64
	buf    []byte // ciphertext scratch
	out    []byte // decrypted bytes not yet returned
	done   bool
	err    error
}

// open reads the header of src and returns a reader of the plaintext. The
// first chunk decides the key: aead, else the first of others that opens it.
func open(src io.ReadCloser, name, sha string, aead cipher.AEAD, others ...cipher.AEAD) (*opener, error) {
	header := make([]byte, len(magic)+nonceSize)
	if _, err := io.ReadFull(src, header); err != nil || string(header[:len(magic)]) != magic {
		return nil, ErrCorrupt
	}
	want, err := hex.DecodeString(sha)
	if err != nil {
		return nil, ErrCorrupt
	}
	o := &opener{src: src, aead: aead, others: others, header: header, name: name, want: want, sum: sha256.New(),
		buf: make([]byte, chunkSize+tagSize)}
	// Decrypt the first chunk now, so a wrong key or a damaged file is an
	// error of open and not of the first Read.
	if o.err = o.next(); o.err != nil {
		return nil, o.err
	}
	return o, nil
}

// Read implements io.Reader.
func (o *opener) Read(p []byte) (int, error) {
	for len(o.out) == 0 {
		if o.err != nil {
			return 0, o.err
		}
		if o.done {
			return 0, io.EOF
		}
		o.err = o.next()
	}
	n := copy(p, o.out)
	o.out = o.out[n:]
	return n, nil
}

func (o *opener) next() error {
	n, err := io.ReadFull(o.src, o.buf)
	last := false
	switch {
	case err == nil:
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		last = true
	default:
		return err
	}
	if n < tagSize {
		return ErrCorrupt
	}
	nonce, aad := chunkNonce(o.header[len(magic):], o.i), chunkAAD(o.header, o.name, o.i, last)
	plain, err := o.aead.Open(o.buf[:0:0], nonce, o.buf[:n], aad)
	if err != nil && o.i == 0 {
		for i, other := range o.others {
			if plain, err = other.Open(o.buf[:0:0], nonce, o.buf[:n], aad); err == nil {
				o.aead, o.keyIdx = other, i+1
				break
			}
		}
	}
	if err != nil {
		return ErrCorrupt
	}
	o.i++
	o.sum.Write(plain)
	o.out = plain
	if last {
		if subtle.ConstantTimeCompare(o.sum.Sum(nil), o.want) != 1 {
			o.out = nil
			return ErrCorrupt
		}
		o.done = true
	}
	return nil
}

// Close closes the stored file.
func (o *opener) Close() error { return o.src.Close() }
