package wechat

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"

	qr "github.com/skip2/go-qrcode"
)

func TestMiniProgramCode(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	img, err := e.client.MiniProgramCode(ctx, "AbCdEfGh23456789abcdefgh", "pages/scan/confirm")
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := jpeg.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	if w := decoded.Bounds().Dx(); w != 280 {
		t.Errorf("width %d, want 280", w)
	}
	// The simulator draws the QR code of the scene: the same drawing gives
	// the same JPEG bytes.
	code, _ := qr.New("AbCdEfGh23456789abcdefgh", qr.Medium)
	var want bytes.Buffer
	_ = jpeg.Encode(&want, code.Image(280), &jpeg.Options{Quality: 90})
	if !bytes.Equal(img, want.Bytes()) {
		t.Error("the image is not the QR code of the scene")
	}
	if n := e.sim.Calls(EndpointWXACodeUnlimit); n != 1 {
		t.Errorf("simulator saw %d calls, want 1", n)
	}
	if _, err := e.client.MiniProgramCode(ctx, "has space", "pages/x"); CodeOf(err) != CodeDataFormat {
		t.Errorf("bad scene: %v", err)
	}
	if _, err := e.client.MiniProgramCode(ctx, "0123456789012345678901234567890123", "pages/x"); err == nil {
		t.Error("a scene over 32 characters was accepted")
	}
}
