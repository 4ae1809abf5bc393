// One WebSocket per page, bound to the brain: live pushes re-fetch the parts of the page they concern.
(function () {
  var brain = document.getElementById("live-script").dataset.brain;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;
  function connect() {
    var socket = new WebSocket(scheme + location.host + "/ws/b/" + brain + "/live/");
    socket.onopen = function () {
      delay = 1000;
      document.querySelectorAll("[data-live-topic]").forEach(function (element) {
        socket.send(JSON.stringify({ subscribe: element.dataset.liveTopic, id: Number(element.dataset.liveId) }));
      });
      document.body.dataset.live = "on";
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "notification") {
        document.body.dispatchEvent(new CustomEvent("live-notification", { detail: message }));
      }
      if (message.type === "subscribed" && message.ok) {  // the page now follows it: says so (and tests wait on it)
        document.querySelectorAll("[data-live-topic='" + message.topic + "']").forEach(function (element) {
          element.dataset.liveReady = "1";
        });
      }
      if (message.type === "update") {
        document.body.dispatchEvent(new CustomEvent("live-update-" + message.topic, { detail: message }));
      }
      document.body.dispatchEvent(new CustomEvent("live-" + message.type, { detail: message }));
    };
    socket.onclose = function (event) {
      document.body.dataset.live = "off";
      if (event.code !== 4404) { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); }
    };
  }
  connect();
})();
