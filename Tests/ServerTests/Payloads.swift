/// Request bodies as the tools send them: the examples of their public documentation, with only
/// the PagerDuty routing key replaced by a token of the test server.
enum Payloads {
    /// An Alertmanager webhook (version 4) with one firing alert, in the shape the Prometheus docs give.
    static func alertmanager(alertname: String = "QuickFix", status: String = "firing", fingerprint: String = "9e4c2a1f0b3d5e67",
                             instance: String = "web-1") -> String {
        """
        {
          "version": "4",
          "groupKey": "{}:{alertname=\\"\(alertname)\\"}",
          "truncatedAlerts": 0,
          "status": "\(status)",
          "receiver": "runbook",
          "groupLabels": {"alertname": "\(alertname)"},
          "commonLabels": {"alertname": "\(alertname)", "instance": "\(instance)", "severity": "critical"},
          "commonAnnotations": {"summary": "\(alertname) on \(instance)"},
          "externalURL": "http://alertmanager.example.com:9093",
          "alerts": [
            {
              "status": "\(status)",
              "labels": {"alertname": "\(alertname)", "instance": "\(instance)", "severity": "critical"},
              "annotations": {"summary": "\(alertname) on \(instance)", "description": "It broke."},
              "startsAt": "2026-11-23T01:00:00.000Z",
              "endsAt": "\(status == "firing" ? "0001-01-01T00:00:00Z" : "2026-11-23T01:05:00.000Z")",
              "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=up+%3D%3D+0",
              "fingerprint": "\(fingerprint)"
            }
          ]
        }
        """
    }

    /// Grafana's documented webhook example (two firing alerts).
    static let grafana = """
        {
          "receiver": "My Super Webhook",
          "status": "firing",
          "orgId": 1,
          "alerts": [
            {
              "status": "firing",
              "labels": {"alertname": "High memory usage", "team": "blue", "zone": "us-1"},
              "annotations": {
                "description": "The system has high memory usage",
                "runbook_url": "https://myrunbook.com/runbook/1234",
                "summary": "This alert was triggered for zone us-1"
              },
              "startsAt": "2021-10-12T09:51:03.157076+02:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://play.grafana.org/alerting/1afz29v7z/edit",
              "fingerprint": "c6eadffa33fcdf37",
              "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
              "dashboardURL": "",
              "panelURL": "",
              "values": {"B": 44.23943737541908, "C": 1}
            },
            {
              "status": "firing",
              "labels": {"alertname": "High CPU usage", "team": "blue", "zone": "eu-1"},
              "annotations": {
                "description": "The system has high CPU usage",
                "runbook_url": "https://myrunbook.com/runbook/1234",
                "summary": "This alert was triggered for zone eu-1"
              },
              "startsAt": "2021-10-12T09:56:03.157076+02:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://play.grafana.org/alerting/d1rdpdv7k/edit",
              "fingerprint": "bc97ff14869b13e3",
              "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1",
              "dashboardURL": "",
              "panelURL": "",
              "values": {"B": 44.23943737541908, "C": 1}
            }
          ],
          "groupLabels": {},
          "commonLabels": {"team": "blue"},
          "commonAnnotations": {},
          "externalURL": "https://play.grafana.org/",
          "version": "1",
          "groupKey": "{}:{}",
          "truncatedAlerts": 0,
          "title": "[FIRING:2]  (blue)",
          "state": "alerting",
          "message": "**Firing**\\n\\nLabels:\\n - alertname = T2\\n - team = blue\\n - zone = us-1\\n"
        }
        """

    /// PagerDuty's documented Events API v2 trigger example.
    static func pagerDuty(routingKey: String, action: String = "trigger", dedupKey: String? = "samplekeyhere") -> String {
        """
        {
          "payload": {
            "summary": "Example alert on host1.example.com",
            "timestamp": "2015-07-17T08:42:58.315+0000",
            "source": "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
            "severity": "info",
            "component": "postgres",
            "group": "prod-datapipe",
            "class": "deploy",
            "custom_details": {"ping time": "1500ms", "load avg": 0.75}
          },
          "routing_key": "\(routingKey)",
          \(dedupKey.map { "\"dedup_key\": \"\($0)\"," } ?? "")
          "images": [{"src": "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png", "href": "https://example.com/", "alt": "Example text"}],
          "links": [{"href": "https://example.com/", "text": "Link text"}],
          "event_action": "\(action)",
          "client": "Sample Monitoring Service",
          "client_url": "https://monitoring.example.com"
        }
        """
    }
}
