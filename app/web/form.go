package web

import "sunshine/app/casework"

// Form is the 服务申请表 on the wire (SPEC §3 field names), both as a
// request body and in answers. It is converted to and from casework.Form
// (ToForm, FromForm), never bound to it.
type Form struct {
	Enterprise  FormEnterprise  `json:"enterprise"`
	Project     FormProject     `json:"project"`
	Entrustment FormEntrustment `json:"entrustment"`
}

// FormPerson is a contact person of the form (the enterprise's lead or handler).
type FormPerson struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Phone string `json:"phone"`
}

// FormEnterprise is the enterprise section of the form.
type FormEnterprise struct {
	Name       string     `json:"name"`
	Address    string     `json:"address"`
	Nature     string     `json:"nature"`
	Lead       FormPerson `json:"lead"`
	Handler    FormPerson `json:"handler"`
	Email      string     `json:"email"`
	CreditCode string     `json:"credit_code"`
}

// FormProject is the project section of the form.
type FormProject struct {
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

// FormEntrustment is the section of the form that says what is entrusted.
type FormEntrustment struct {
	Stages      []string `json:"stages"`
	StagesOther string   `json:"stages_other"`
	Matters     string   `json:"matters"`
	Remarks     string   `json:"remarks"`
	ServiceType string   `json:"service_type"`
}

// ToForm converts the form of a request to the domain form.
func (f Form) ToForm() casework.Form {
	e, p, t := f.Enterprise, f.Project, f.Entrustment
	return casework.Form{
		Enterprise: casework.EnterpriseInfo{Name: e.Name, Address: e.Address, Nature: e.Nature,
			Lead: e.Lead.toPerson(), Handler: e.Handler.toPerson(), Email: e.Email, CreditCode: e.CreditCode},
		Project: casework.Project{Name: p.Name, Address: p.Address, Code: p.Code, TotalInvestment: p.TotalInvestment,
			FundSources: p.FundSources, FundSourceOther: p.FundSourceOther, FloorArea: p.FloorArea,
			LandNature: p.LandNature, LandNatureOther: p.LandNatureOther, KeyProject: p.KeyProject,
			KeyProjectOther: p.KeyProjectOther, PurposeScale: p.PurposeScale, Progress: p.Progress},
		Entrustment: casework.Entrustment{Stages: t.Stages, StagesOther: t.StagesOther, Matters: t.Matters,
			Remarks: t.Remarks, ServiceType: t.ServiceType},
	}
}

// FromForm converts a stored form for an answer; its lists are never null.
func FromForm(f casework.Form) Form {
	e, p, t := f.Enterprise, f.Project, f.Entrustment
	return Form{
		Enterprise: FormEnterprise{Name: e.Name, Address: e.Address, Nature: e.Nature,
			Lead: fromPerson(e.Lead), Handler: fromPerson(e.Handler), Email: e.Email, CreditCode: e.CreditCode},
		Project: FormProject{Name: p.Name, Address: p.Address, Code: p.Code, TotalInvestment: p.TotalInvestment,
			FundSources: nonNil(p.FundSources), FundSourceOther: p.FundSourceOther, FloorArea: p.FloorArea,
			LandNature: nonNil(p.LandNature), LandNatureOther: p.LandNatureOther, KeyProject: p.KeyProject,
			KeyProjectOther: p.KeyProjectOther, PurposeScale: p.PurposeScale, Progress: p.Progress},
		Entrustment: FormEntrustment{Stages: nonNil(t.Stages), StagesOther: t.StagesOther, Matters: t.Matters,
			Remarks: t.Remarks, ServiceType: t.ServiceType},
	}
}

func (p FormPerson) toPerson() casework.Person {
	return casework.Person{Name: p.Name, Title: p.Title, Phone: p.Phone}
}

func fromPerson(p casework.Person) FormPerson {
	return FormPerson{Name: p.Name, Title: p.Title, Phone: p.Phone}
}

// nonNil makes an empty list render as [] rather than null.
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
