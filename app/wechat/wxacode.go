package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"net/http"
	"regexp"

	"github.com/silenceper/wechat/v2/miniprogram/qrcode"
	qr "github.com/skip2/go-qrcode"
)

// EndpointWXACodeUnlimit is the simulated wxacode.getUnlimited.
const EndpointWXACodeUnlimit = "getwxacodeunlimit"

// reScene is what WeChat accepts as the scene of an unlimited code.
var reScene = regexp.MustCompile(`^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$`)

// MiniProgramCode fetches a mini-program code (wxacode.getUnlimited) that
// opens page with scene, as a JPEG image. scene is at most 32 characters of
// WeChat's scene alphabet. In simulator mode the simulator draws a plain QR
// code of the scene.
func (c *Client) MiniProgramCode(ctx context.Context, scene, page string) ([]byte, error) {
	const op = "wxacode.getunlimited"
	if c.qrcode == nil {
		return nil, notConfigured(op, "mini-program")
	}
	if !reScene.MatchString(scene) {
		return nil, &Error{Op: op, Code: CodeDataFormat, Msg: "invalid scene"}
	}
	check := false // the page may not be published yet (trial and develop builds)
	env := "release"
	switch c.cfg.MiniProgramState {
	case "trial":
		env = "trial"
	case "develop", "development", "developer":
		env = "develop"
	}
	var img []byte
	// The SDK call takes no context: the HTTP client's timeout bounds it.
	err := c.withToken(ctx, op, chanMini, func() error {
		b, err := c.qrcode.GetWXACodeUnlimit(qrcode.QRCoder{Page: page, Scene: scene, CheckPath: &check,
			Width: 280, EnvVersion: env})
		img = b
		return err
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// wxacodeUnlimit is POST /wxa/getwxacodeunlimit: like WeChat, a JPEG image
// on success and a JSON error otherwise. The image is a QR code of the scene
// (a real mini-program code cannot be drawn offline), so a test or a person
// with a phone can read the ticket back.
func (s *Simulator) wxacodeUnlimit(r *http.Request, body []byte) any {
	if bad := s.checkToken(r, kindMini); bad != nil {
		return bad
	}
	var in struct {
		Scene string `json:"scene"`
		Page  string `json:"page"`
		Width int    `json:"width"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	if !reScene.MatchString(in.Scene) {
		return errBody(CodeInvalidScene, "invalid scene")
	}
	size := in.Width
	if size < 128 || size > 1280 {
		size = 430
	}
	code, err := qr.New(in.Scene, qr.Medium)
	if err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, code.Image(size), &jpeg.Options{Quality: 90}); err != nil {
		return errBody(-1, "system error")
	}
	return simImage{contentType: "image/jpeg", data: buf.Bytes()}
}

// simImage is an answer of the simulator that is an image, not JSON.
type simImage struct {
	contentType string
	data        []byte
}
