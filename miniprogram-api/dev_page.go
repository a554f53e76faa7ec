package mpapi

import (
	"fmt"
	"html/template"
	"sort"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/wechat"
)

type devPageData struct {
	ToUser    string
	Messages  []wechat.Message
	Templates string
}

type devField struct{ Key, Value string }

var channelLabels = map[string]string{
	wechat.ChannelSubscribe: "小程序订阅消息",
	wechat.ChannelTemplate:  "公众号模板消息",
	wechat.ChannelWork:      "企业微信应用消息",
}

var devTemplate = template.Must(template.New("dev").Funcs(template.FuncMap{
	"channel": func(c string) string {
		if l, ok := channelLabels[c]; ok {
			return l
		}
		return c
	},
	"fields": func(d map[string]any) []devField {
		out := make([]devField, 0, len(d))
		for k, v := range d {
			out = append(out, devField{k, fmt.Sprint(v)})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
		return out
	},
	"newestFirst": func(m []wechat.Message) []wechat.Message {
		out := make([]wechat.Message, len(m))
		for i := range m {
			out[len(m)-1-i] = m[i]
		}
		return out
	},
	"at": func(m wechat.Message) string { return m.SentAt.In(casework.ChinaTime).Format("2006-01-02 15:04:05") },
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>微信模拟器 · 消息</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;margin:0;color:#111}
header{background:#2e2e2e;color:#fff;padding:12px 16px}
header h1{font-size:17px;margin:0}
header p{font-size:12px;margin:4px 0 0;color:#bbb}
main{max-width:480px;margin:0 auto;padding:12px}
form{background:#fff;border-radius:8px;padding:12px;margin-bottom:12px;font-size:14px}
form label{display:block;margin:6px 0 2px;color:#555}
input{width:100%;box-sizing:border-box;padding:6px;border:1px solid #ccc;border-radius:4px}
button{margin-top:8px;background:#07c160;color:#fff;border:0;border-radius:4px;padding:8px 14px;font-size:14px}
.card{background:#fff;border-radius:8px;padding:12px 14px;margin-bottom:12px}
.meta{font-size:12px;color:#888;display:flex;justify-content:space-between}
.tmpl{font-size:16px;font-weight:600;margin:6px 0 8px}
dl{margin:0;font-size:14px}
dt{color:#888;float:left;width:7em;clear:left}
dd{margin:0 0 4px 7.5em;word-break:break-all}
.page{font-size:12px;color:#576b95;border-top:1px solid #eee;margin-top:8px;padding-top:6px}
.empty{text-align:center;color:#888;padding:32px}
</style></head>
<body>
<header><h1>微信模拟器</h1><p>模拟器模式：以下是手机上会收到的消息（不会真正发送到微信）</p></header>
<main>
<form method="get" action="/dev/wechat">
<label for="touser">接收人 openid（留空显示全部）</label>
<input id="touser" name="touser" value="{{.ToUser}}" placeholder="sim-openid-demo">
<button type="submit">查看</button>
</form>
<form method="post" action="/dev/wechat/subscribe">
<label for="openid">模拟用户点击“允许”订阅（openid）</label>
<input id="openid" name="openid" value="{{.ToUser}}" placeholder="sim-openid-demo" required>
<label for="template_ids">模板编号（逗号分隔，留空为全部）</label>
<input id="template_ids" name="template_ids" placeholder="{{.Templates}}">
<button type="submit">允许订阅</button>
</form>
{{range newestFirst .Messages}}
<div class="card">
<div class="meta"><span>{{channel .Channel}}</span><span>{{at .}}</span></div>
<div class="tmpl">{{if .TemplateID}}模板 {{.TemplateID}}{{else}}文本消息{{end}}</div>
<dl><dt>接收人</dt><dd>{{.ToUser}}</dd>
{{range fields .Data}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
{{if .Page}}<div class="page">打开：{{.Page}}</div>{{end}}
</div>
{{else}}
<div class="empty">暂无消息</div>
{{end}}
</main></body></html>`))

// renderDevPage writes the simulator page.
func renderDevPage(c *fiber.Ctx, d devPageData) error {
	return devTemplate.Execute(c.Response().BodyWriter(), d)
}
