// Telephony provider configurations (Twilio, Airtel, Jio, LiveKit…) managed through the Provider Configurations API.
package telephony
