package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/matters"
	"sunshine/config"
)

// demoPassword is the password of every demo account.
const demoPassword = "Sunshine2026"

type demoUser struct {
	username, name string
	role           casework.Role
	department     string
	wecom          string
	phone          string
}

var demoStaff = []demoUser{
	{"admin", "系统管理员", casework.RoleAdmin, "", "", ""},
	{"clerk1", "林晓雯", casework.RoleClerk, "", "linxiaowen", ""},
	{"clerk2", "陈志强", casework.RoleClerk, "", "chenzhiqiang", ""},
	{"specialist1", "黄丽娟", casework.RoleSpecialist, "", "huanglijuan", "13927561208"},
	{"specialist2", "梁国栋", casework.RoleSpecialist, "", "lianggd", "13560803317"},
	{"specialist3", "吴敏", casework.RoleSpecialist, "", "wumin", "15815962240"},
	{"head", "冯建华", casework.RoleHead, "", "fengjianhua", ""},
	{"liaison_zrzy", "何海燕", casework.RoleLiaison, "市自然资源局", "hehaiyan", ""},
	{"liaison_zjj", "谢文斌", casework.RoleLiaison, "市住房和城乡建设局", "xiewenbin", ""},
	{"supervisor", "杨振宇", casework.RoleSupervisor, "", "", ""},
	{"auditor", "周安琪", casework.RoleAuditor, "", "", ""},
}

// demo loads the demo data set: staff of every role, three enterprises and
// two dozen cases in every status, each with the timeline it would have had.
func demo(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	d, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	if _, err := d.db.Staff().StaffByUsername(ctx, "admin"); err == nil {
		fmt.Fprintln(stdout, "演示数据已存在，未重复导入。")
		printLogins(stdout)
		return nil
	}
	staff := map[string]*accounts.Staff{}
	for _, u := range demoStaff {
		s, err := accounts.CreateStaff(ctx, d.db.Staff(), accounts.NewStaff{Username: u.username, Password: demoPassword,
			Role: u.role, Name: u.name, Department: u.department, WecomUserID: u.wecom, Phone: u.phone}, time.Now())
		if err != nil {
			return fmt.Errorf("create %s: %w", u.username, err)
		}
		staff[u.username] = s
	}
	members, err := demoMembers(ctx, d)
	if err != nil {
		return err
	}
	clock := time.Now().AddDate(0, 0, -75)
	svc := cases.New(d.db.Cases(), d.calendar, func() time.Time { return clock }, log)
	svc.OnEvent(d.db.StatsHook) // the dashboards' monthly counters
	r := &demoRunner{ctx: ctx, svc: svc, staff: staff, members: members, clock: &clock}
	n := 0
	var tracking []*casework.Case
	for i, sc := range demoScenarios {
		clock = time.Now().AddDate(0, 0, -sc.daysAgo).Add(time.Duration(i) * time.Minute)
		c, err := r.run(sc, demoForms[i%len(demoForms)])
		if err != nil {
			return fmt.Errorf("demo case %d (%s): %w", i+1, sc.target, err)
		}
		if casework.StageOf(c.Status) == casework.StageTracking {
			tracking = append(tracking, c)
		}
		n++
	}
	if err := r.matters(matters.New(d.db.Matters(), svc, d.db.Audit(), func() time.Time { return clock }, log), tracking); err != nil {
		return fmt.Errorf("demo matters: %w", err)
	}
	fmt.Fprintf(stdout, "已导入演示数据：%d 名工作人员，%d 家企业，%d 个案件。\n", len(staff), len(members), n)
	printLogins(stdout)
	return nil
}

func printLogins(w io.Writer) {
	fmt.Fprintf(w, "\n工作人员登录（密码均为 %s）：\n", demoPassword)
	for _, u := range demoStaff {
		label := u.role.Label()
		if u.department != "" {
			label += "（" + u.department + "）"
		}
		fmt.Fprintf(w, "  %-14s %s %s\n", u.username, u.name, label)
	}
	fmt.Fprintln(w, "\n企业用户（小程序模拟登录码，模拟器模式）：")
	seen := map[string]bool{}
	for _, f := range demoForms {
		if !seen[f.login] {
			seen[f.login] = true
			fmt.Fprintf(w, "  sim-%-12s %s（%s）\n", f.login, f.form.Enterprise.Name, f.form.Enterprise.Lead.Name)
		}
	}
}

type demoRunner struct {
	ctx     context.Context
	svc     *cases.Service
	staff   map[string]*accounts.Staff
	members map[string]cases.Viewer
	clock   *time.Time
}

func (r *demoRunner) viewer(who string) cases.Viewer {
	if m, ok := r.members[who]; ok {
		return m
	}
	return cases.Viewer{Actor: r.staff[who].Actor()}
}

// run submits one case and walks it through its steps, moving the clock a
// believable amount between them.
func (r *demoRunner) run(sc demoScenario, f demoForm) (*casework.Case, error) {
	submitter := r.viewer("clerk1")
	channel := sc.channel
	if channel == casework.ChannelMiniProgram || channel == casework.ChannelPortal {
		submitter = r.viewer(f.login)
	}
	c, err := r.svc.Submit(r.ctx, submitter, cases.SubmitInput{Form: f.form, Channel: channel, Mode: casework.FormFull})
	if err != nil {
		return nil, err
	}
	for _, st := range sc.steps {
		*r.clock = r.clock.Add(st.after)
		who := st.who
		switch who {
		case "enterprise":
			who = f.login
		case "": // the specialist serving the case
			for name, s := range r.staff {
				if s.ID == c.SpecialistID {
					who = name
				}
			}
		}
		v := r.viewer(who)
		if st.action == casework.ActionRate {
			if _, err := r.svc.Rate(r.ctx, v, c.ID, st.payload["score"].(int), st.payload["comment"].(string), 0); err != nil {
				return nil, err
			}
			continue
		}
		payload := map[string]json.RawMessage{}
		for k, val := range st.payload {
			if k == "specialist" {
				k, val = "specialist_id", r.staff[val.(string)].ID
			}
			b, _ := json.Marshal(val)
			payload[k] = b
		}
		if c, err = r.svc.Act(r.ctx, v, c.ID, casework.Request{Action: st.action, Version: c.Version, Payload: payload}); err != nil {
			return nil, fmt.Errorf("%s: %w (%s)", st.action, err, errs.MessageOf(err))
		}
	}
	if c.Status != sc.target {
		return nil, fmt.Errorf("ended in %s, want %s", c.Status, sc.target)
	}
	return c, nil
}

// matters routes the cases being served to the approval departments (并联审批)
// and lets each department's liaison report on the first one.
func (r *demoRunner) matters(svc *matters.Service, tracking []*casework.Case) error {
	head := r.viewer("head")
	for i, c := range tracking {
		deadline := casework.DateOf(r.clock.AddDate(0, 0, 10+i))
		for _, m := range []matters.NewMatter{
			{Department: "市自然资源局", Name: "建设用地规划许可证", Deadline: deadline},
			{Department: "市住房和城乡建设局", Name: "建筑工程施工许可证", Deadline: deadline},
		} {
			added, err := svc.Add(r.ctx, head, c.ID, m)
			if err != nil {
				return err
			}
			if i > 0 {
				continue
			}
			liaison := map[string]string{"市自然资源局": "liaison_zrzy", "市住房和城乡建设局": "liaison_zjj"}[m.Department]
			if _, err := svc.Progress(r.ctx, r.viewer(liaison), added.ID, matters.Report{Note: "材料已收齐，进入技术审查"}); err != nil {
				return err
			}
		}
	}
	return nil
}
