// Automatic replies, challenge-response requests and notices in the
// languages of rules/autoreply.tsv, written from the providers' localized
// subjects (Microsoft's "Automatic reply:" / "Undeliverable:" in each
// language, Gmail's and Yahoo's vacation responders).
#include "formats/language.h"

#include <gtest/gtest.h>

#include <string>

#include "classify/classifier.h"

namespace rebound::formats {
namespace {

std::unique_ptr<classify::Classifier> Make() {
  std::string error;
  auto c = classify::Classifier::Create({}, &error);
  EXPECT_NE(c, nullptr) << error;
  return c;
}

std::string Mail(const std::string& from, const std::string& subject, const std::string& body) {
  return "From: " + from + "\nTo: sender@example.com\nSubject: " + subject +
         "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body +
         "\n";
}

TEST(Language, AutoReplySubjectsInEightLanguagesAndEnglish) {
  for (const char* subject :
       {"Automatic reply: Offer", "自動応答: ご提案", "Automatische Antwort: Angebot", "Réponse automatique : Offre",
        "Respuesta automática: Oferta", "Resposta automática: Oferta", "Risposta automatica: Offerta",
        "Автоматический ответ: Предложение", "自动回复: 报价", "ABWESENHEITSNOTIZ", "RÉPONSE AUTOMATIQUE"}) {
    EXPECT_FALSE(FindWording(Wording::kAutoReplySubject, subject).empty()) << subject;
  }
  EXPECT_TRUE(FindWording(Wording::kAutoReplySubject, "Your invoice").empty());
}

TEST(Language, NoticeSubjectsInEightLanguages) {
  for (const char* subject : {"配信不能: ご提案", "Unzustellbar: Angebot", "Non remis : Offre",
                              "No se puede entregar: Oferta", "Não é possível entregar: Oferta",
                              "Non recapitabile: Offerta", "Недоставляемое сообщение: Предложение", "无法投递: 报价"}) {
    EXPECT_FALSE(FindWording(Wording::kBounceSubject, subject).empty()) << subject;
  }
}

// An out-of-office reply without any RFC 3834 header is still no bounce,
// whatever its language; so is a challenge-response request.
TEST(Language, ForeignAutoRepliesAndChallengesAreNotBounces) {
  auto c = Make();
  const std::string cases[] = {
      Mail("Hans <hans@example.de>", "Abwesenheitsnotiz", "Ich bin bis Montag nicht im Büro."),
      Mail("Marie <marie@example.fr>", "Réponse automatique : votre message", "Je suis absente jusqu'à lundi."),
      Mail("Ana <ana@example.es>", "Fuera de la oficina", "Estoy fuera de la oficina hasta el lunes."),
      Mail("João <joao@example.com.br>", "Resposta automática", "Estou fora do escritório."),
      Mail("Gianni <gianni@example.it>", "Risposta automatica", "Sono fuori ufficio fino a lunedì."),
      Mail("Иван <ivan@example.ru>", "Автоматический ответ", "Меня нет на месте до понедельника."),
      Mail("王 <wang@example.cn>", "自动回复: 您的邮件", "我目前不在办公室。"),
      Mail("田中 <tanaka@example.jp>", "不在のお知らせ", "ただいま不在にしております。"),
      Mail("Filter <filter@example.net>", "Please verify your message",
           "Your message is being held pending verification. Please click the link below to confirm."),
  };
  for (const std::string& raw : cases) {
    auto v = c->ClassifyBytes(raw);
    ASSERT_EQ(v.size(), 1u) << raw;
    EXPECT_EQ(v[0].type, classify::BounceType::kNone) << raw;
    EXPECT_EQ(v[0].cause, Cause::kVacation) << raw;
  }
}

}  // namespace
}  // namespace rebound::formats
