//! Ruby with net/http: each step as the Ruby snippet writes it, sent through a helper that
//! checks its status.

use super::{Pieces, comments, intro, pointer_list, step_comment};
use crate::flow::plan::{Plan, StepPlan};
use crate::snippet::{ruby, snippet_headers};

const SEND: &str = r##"# Sends one step's request, prints its status, and stops the flow unless it is 2xx; returns the
# answer's body.
def send_step(step, uri, request)
  http = Net::HTTP.new(uri.host, uri.port)
  http.use_ssl = uri.scheme == 'https'
  begin
    response = http.request(request)
  rescue SystemCallError, IOError, Timeout::Error => e
    warn "#{step}: no answer: #{e.message}"
    exit 2
  end
  puts "#{step} #{response.code}"
  abort "#{step} failed with status #{response.code}: #{response.body}" unless response.code.start_with?('2')
  response.body
end

"##;

const FIELD: &str = r##"# The text at `path` in a step's answer; stops the flow when there is none.
def field(step, answer, path, pointer)
  value = begin
    JSON.parse(answer.to_s)
  rescue JSON::ParserError
    nil
  end
  path.each do |key|
    value = case value
            when Hash then value[key]
            when Array then key.match?(/\A\d+\z/) ? value[key.to_i] : nil
            end
  end
  abort "#{step}: the answer has no text at #{pointer}" unless value.is_a?(String)
  value
end

"##;

pub fn render(plan: &Plan) -> String {
    let mut text = comments("#", &intro(plan, "Needs Ruby 2.7+: ruby flow.rb"));
    if plan.encodes_values() {
        text.push_str("require 'erb'\n");
    }
    text.push_str(&format!(
        "require 'json'\nrequire 'net/http'\n\n\
         BASE_URL = (ENV['{}'].to_s.empty? ? {} : ENV['{0}']).sub(%r{{/+\\z}}, '')\n\n{SEND}",
        super::BASE_URL_ENV_VAR,
        ruby::single_quoted(&plan.base_url),
    ));
    if plan.reads_answers() {
        text.push_str(FIELD);
    }
    for step in &plan.steps {
        text.push_str(&step_text(step));
    }
    text
}

fn step_text(step: &StepPlan) -> String {
    let mut text = comments("#", &step_comment(step, str::to_owned));
    let encoded = |variable: &str| format!("ERB::Util.url_encode({variable})");
    let url = Pieces {
        text: &ruby::single_quoted,
        variable: &encoded,
        join: " + ",
    }
    .url(step, "BASE_URL");
    text.push_str(&format!(
        "uri = URI({url})\nrequest = {}\n",
        ruby::new_request(step.request.method, step.body.is_some())
    ));
    for header in snippet_headers(&step.request) {
        text.push_str(&ruby::header_line(&header));
    }
    let generate = |variable: &str| format!("JSON.generate({variable})");
    if let Some(body) = (Pieces {
        text: &ruby::single_quoted,
        variable: &generate,
        join: " + ",
    })
    .body(step)
    {
        text.push_str(&format!("request.body = {body}\n"));
    }
    let name = ruby::single_quoted(&step.name);
    if step.exports.is_empty() {
        text.push_str(&format!("send_step({name}, uri, request)\n"));
    } else {
        text.push_str(&format!("answer = send_step({name}, uri, request)\n"));
    }
    for variable in &step.exports {
        text.push_str(&format!(
            "{} = field({name}, answer, {}, {})\n",
            variable.name,
            pointer_list(&variable.at, ruby::single_quoted),
            ruby::single_quoted(&variable.at)
        ));
    }
    text.push('\n');
    text
}
