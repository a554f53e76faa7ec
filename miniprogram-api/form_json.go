package mpapi

import "sunshine/app/casework"

// formJSON is the 服务申请表 as the mini-program sends and reads it (SPEC §3
// field names). It is converted to and from casework.Form, never bound to it.
type formJSON struct {
	Enterprise  enterpriseFormJSON  `json:"enterprise"`
	Project     projectJSON         `json:"project"`
	Entrustment entrustmentFormJSON `json:"entrustment"`
}

type personJSON struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Phone string `json:"phone"`
}

type enterpriseFormJSON struct {
	Name       string     `json:"name"`
	Address    string     `json:"address"`
	Nature     string     `json:"nature"`
	Lead       personJSON `json:"lead"`
	Handler    personJSON `json:"handler"`
	Email      string     `json:"email"`
	CreditCode string     `json:"credit_code"`
}

type projectJSON struct {
	Name            string           `json:"name"`
	Address         string           `json:"address"`
	Code            string           `json:"code"`
	TotalInvestment casework.Decimal `json:"total_investment"`
	FundSources     []string         `json:"fund_sources"`
	FundSourceOther string           `json:"fund_source_other"`
	FloorArea       casework.Decimal `json:"floor_area"`
	LandNature      []string         `json:"land_nature"`
	LandNatureOther string           `json:"land_nature_other"`
	KeyProject      string           `json:"key_project"`
	KeyProjectOther string           `json:"key_project_other"`
	PurposeScale    string           `json:"purpose_scale"`
	Progress        string           `json:"progress"`
}

type entrustmentFormJSON struct {
	Stages      []string `json:"stages"`
	StagesOther string   `json:"stages_other"`
	Matters     string   `json:"matters"`
	Remarks     string   `json:"remarks"`
	ServiceType string   `json:"service_type"`
}

func toPerson(p personJSON) casework.Person {
	return casework.Person{Name: p.Name, Title: p.Title, Phone: p.Phone}
}

func fromPerson(p casework.Person) personJSON {
	return personJSON{Name: p.Name, Title: p.Title, Phone: p.Phone}
}

// toForm converts the request form to the domain form.
func (f formJSON) toForm() casework.Form {
	e, p, t := f.Enterprise, f.Project, f.Entrustment
	return casework.Form{
		Enterprise: casework.EnterpriseInfo{Name: e.Name, Address: e.Address, Nature: e.Nature,
			Lead: toPerson(e.Lead), Handler: toPerson(e.Handler), Email: e.Email, CreditCode: e.CreditCode},
		Project: casework.Project{Name: p.Name, Address: p.Address, Code: p.Code, TotalInvestment: p.TotalInvestment,
			FundSources: p.FundSources, FundSourceOther: p.FundSourceOther, FloorArea: p.FloorArea,
			LandNature: p.LandNature, LandNatureOther: p.LandNatureOther, KeyProject: p.KeyProject,
			KeyProjectOther: p.KeyProjectOther, PurposeScale: p.PurposeScale, Progress: p.Progress},
		Entrustment: casework.Entrustment{Stages: t.Stages, StagesOther: t.StagesOther, Matters: t.Matters,
			Remarks: t.Remarks, ServiceType: t.ServiceType},
	}
}

// fromForm converts the stored form for a response; lists are never null.
func fromForm(f casework.Form) formJSON {
	e, p, t := f.Enterprise, f.Project, f.Entrustment
	return formJSON{
		Enterprise: enterpriseFormJSON{Name: e.Name, Address: e.Address, Nature: e.Nature,
			Lead: fromPerson(e.Lead), Handler: fromPerson(e.Handler), Email: e.Email, CreditCode: e.CreditCode},
		Project: projectJSON{Name: p.Name, Address: p.Address, Code: p.Code, TotalInvestment: p.TotalInvestment,
			FundSources: nonNil(p.FundSources), FundSourceOther: p.FundSourceOther, FloorArea: p.FloorArea,
			LandNature: nonNil(p.LandNature), LandNatureOther: p.LandNatureOther, KeyProject: p.KeyProject,
			KeyProjectOther: p.KeyProjectOther, PurposeScale: p.PurposeScale, Progress: p.Progress},
		Entrustment: entrustmentFormJSON{Stages: nonNil(t.Stages), StagesOther: t.StagesOther, Matters: t.Matters,
			Remarks: t.Remarks, ServiceType: t.ServiceType},
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
