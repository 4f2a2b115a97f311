// The pay page: Stripe.js collects the card (or hands over to Alipay / WeChat Pay); the shop's server
// confirms the PaymentIntent; only Stripe's webhook marks the order paid (the "done" page waits for it).
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var data = form.dataset;
  var stripe = Stripe(data.key);
  var button = document.getElementById("pay-button");
  var errorBox = document.getElementById("pay-error");
  var card = null;

  function showError(message) {
    errorBox.textContent = message || data.failed;
    errorBox.hidden = false;
    button.disabled = false;
  }

  if (data.method === "card") {
    card = stripe.elements().create("card");
    card.mount("#card-element");
  }

  function finishAuthentication(clientSecret, next) {
    // 3-D Secure: Stripe.js shows the bank's step, then the buyer goes to the waiting page.
    var step = stripe.handleNextAction ? stripe.handleNextAction({clientSecret: clientSecret})
                                       : stripe.confirmCardPayment(clientSecret);
    return step.then(function () { window.location.assign(next); });
  }

  function payByCard() {
    return stripe.createToken(card).then(function (result) {
      if (result.error) { throw result.error; }
      return fetch(data.cardUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": data.csrf},
        body: JSON.stringify({token: result.token.id})
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw body; }
        if (body.action === "authenticate") { return finishAuthentication(body.client_secret, body.next); }
        window.location.assign(body.next);
      });
    });
  }

  function payByWallet() {
    if (data.method === "alipay" && stripe.confirmAlipayPayment) {
      return stripe.confirmAlipayPayment(data.clientSecret, {return_url: data.doneUrl});
    }
    if (data.method === "wechat_pay" && stripe.confirmWechatPayPayment) {
      return stripe.confirmWechatPayPayment(data.clientSecret, {
        payment_method_options: {wechat_pay: {client: "web"}}
      }).then(function (result) {
        if (result.error) { throw result.error; }
        window.location.assign(data.doneUrl);
      });
    }
    return Promise.reject({message: data.unavailable});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errorBox.hidden = true;
    (data.method === "card" ? payByCard() : payByWallet()).catch(function (error) {
      showError(error && (error.error || error.message));
    });
  });
})();
