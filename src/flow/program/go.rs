//! Go with net/http: a complete `package main`, each step in a block of its own (so each can
//! name its request `req`, as the Go snippet does), the values later steps need declared before.

use super::{Pieces, comments, indented, intro, step_comment};
use crate::flow::names::camel;
use crate::flow::plan::{Plan, StepPlan};
use crate::model::form::pointer_steps;
use crate::snippet::literal::quoted;
use crate::snippet::{go, snippet_headers};

const SEND: &str = r#"// send sends one step's request, prints its status, and stops the flow unless it is 2xx; it
// returns the answer's body.
func send(step string, req *http.Request) []byte {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: no answer: %v\n", step, err)
		os.Exit(2)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: the answer was cut: %v\n", step, err)
		os.Exit(2)
	}
	fmt.Println(step, resp.StatusCode)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		fmt.Fprintf(os.Stderr, "%s failed with status %s: %s\n", step, resp.Status, body)
		os.Exit(1)
	}
	return body
}

"#;

const FIELD: &str = r#"// field is the text at path in a step's answer (pointer names it); the flow stops when there
// is none.
func field(step string, answer []byte, pointer string, path ...string) string {
	var value any
	if err := json.Unmarshal(answer, &value); err != nil {
		value = nil
	}
	for _, key := range path {
		switch node := value.(type) {
		case map[string]any:
			value = node[key]
		case []any:
			index, err := strconv.Atoi(key)
			if err != nil || index < 0 || index >= len(node) {
				value = nil
			} else {
				value = node[index]
			}
		default:
			value = nil
		}
	}
	text, ok := value.(string)
	if !ok {
		fmt.Fprintf(os.Stderr, "%s: the answer has no text at %s\n", step, pointer)
		os.Exit(1)
	}
	return text
}

"#;

const SEGMENT: &str = r#"// segment is text as one path segment or query value, percent-encoded (a space as %20).
func segment(text string) string {
	return strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
}

"#;

const JSON_STRING: &str = r#"// jsonString is text as a JSON string.
func jsonString(text string) string {
	encoded, _ := json.Marshal(text)
	return string(encoded)
}

"#;

pub fn render(plan: &Plan) -> String {
    let mut text = comments("//", &intro(plan, "Needs Go 1.18+: go run flow.go"));
    text.push_str("package main\n\nimport (\n");
    let uses_json = plan.reads_answers() || plan.has_body_holes();
    for (package, used) in [
        ("bytes", plan.has_bodies()),
        ("encoding/json", uses_json),
        ("fmt", true),
        ("io", true),
        ("net/http", true),
        ("net/url", plan.encodes_values()),
        ("os", true),
        ("strconv", plan.reads_answers()),
        ("strings", true),
    ] {
        if used {
            text.push_str(&format!("\t\"{package}\"\n"));
        }
    }
    text.push_str(")\n\n");
    text.push_str(SEND);
    for (helper, used) in [
        (FIELD, plan.reads_answers()),
        (SEGMENT, plan.encodes_values()),
        (JSON_STRING, plan.has_body_holes()),
    ] {
        if used {
            text.push_str(helper);
        }
    }
    text.push_str(&format!(
        "func main() {{\n\
         \tbase := os.Getenv(\"{}\")\n\
         \tif base == \"\" {{\n\t\tbase = {}\n\t}}\n\
         \tbaseURL := strings.TrimRight(base, \"/\")\n\n",
        super::BASE_URL_ENV_VAR,
        quoted(&plan.base_url)
    ));
    let blocks: Vec<String> = plan.steps.iter().map(step_text).collect();
    text.push_str(&blocks.join("\n"));
    text.push_str("}\n");
    text
}

fn step_text(step: &StepPlan) -> String {
    let mut text = indented(&comments("//", &step_comment(step, camel)), "\t");
    for variable in &step.exports {
        text.push_str(&format!("\tvar {} string\n", camel(&variable.name)));
    }
    let mut block = String::new();
    let body_reader = match (Pieces {
        text: &go::raw_string,
        variable: &|variable: &str| format!("jsonString({})", camel(variable)),
        join: " + ",
    })
    .body(step)
    {
        Some(body) => {
            block.push_str(&format!("data := []byte({body})\n"));
            "bytes.NewBuffer(data)"
        }
        None => "nil",
    };
    let url = Pieces {
        text: &quoted,
        variable: &|variable: &str| format!("segment({})", camel(variable)),
        join: "+",
    }
    .url(step, "baseURL");
    block.push_str(&format!(
        "req, err := http.NewRequest({}, {url}, {body_reader})\n\
         if err != nil {{\n\tpanic(err)\n}}\n",
        quoted(step.request.method)
    ));
    // The snippet's header lines are indented for `main`'s body: one level less than here.
    for header in snippet_headers(&step.request) {
        block.push_str(go::header_line(&header).trim_start_matches('\t'));
    }
    let name = quoted(&step.name);
    if step.exports.is_empty() {
        block.push_str(&format!("send({name}, req)\n"));
    } else {
        block.push_str(&format!("answer := send({name}, req)\n"));
        for variable in &step.exports {
            let path: Vec<String> = pointer_steps(&variable.at)
                .map(|step| format!(", {}", quoted(&step)))
                .collect();
            block.push_str(&format!(
                "{} = field({name}, answer, {}{})\n",
                camel(&variable.name),
                quoted(&variable.at),
                path.concat()
            ));
        }
    }
    text.push_str("\t{\n");
    text.push_str(&indented(&block, "\t\t"));
    text.push_str("\t}\n");
    text
}
