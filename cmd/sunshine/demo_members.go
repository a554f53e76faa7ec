package main

import (
	"context"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// demoMembers registers each demo enterprise's project lead as its verified
// administrator, reachable in the simulator with the login code sim-<login>.
func demoMembers(ctx context.Context, d *deps) (map[string]cases.Viewer, error) {
	out := map[string]cases.Viewer{}
	for _, f := range demoForms {
		if _, ok := out[f.login]; ok {
			continue
		}
		e := f.form.Enterprise
		mid, eid, err := d.db.DemoMember(ctx, "sim-openid-"+f.login, "sim-unionid-"+f.login, e.Lead.Name, e.Lead.Phone,
			e.Name, e.CreditCode, e.Address)
		if err != nil {
			return nil, err
		}
		out[f.login] = cases.Viewer{Actor: casework.Actor{ID: mid, Role: casework.RoleEnterprise, Name: e.Lead.Name},
			EnterpriseID: eid, Verified: true}
	}
	return out, nil
}
